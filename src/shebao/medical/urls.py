"""The medical pages (mounted by shebao.urls under the "medical" namespace)."""

from django.urls import URLPattern, URLResolver, path

from shebao.medical import cadres_views, views

app_name = "medical"
urlpatterns: list[URLPattern | URLResolver] = [
    path("medical/hospitals/", views.hospitals, name="hospitals"),
    path("medical/cadres/", views.cadres, name="cadres"),
    path("medical/cadres/move/", cadres_views.move, name="cadres_move"),
    path("medical/cadres/move/<int:job_id>/", cadres_views.move_job, name="cadres_move_job"),
    path("medical/account/", views.account_lookup, name="account_lookup"),
    path("my/medical/", views.my_medical, name="mine"),
    path("my/medical/settlements.pdf", views.my_settlements_pdf, name="settlements"),
    path("medical/reimbursements/<str:number>/", views.reimbursement, name="reimbursement"),
    path("medical/reimbursements/<str:number>/letter.pdf", views.reimbursement_letter, name="letter"),
]
