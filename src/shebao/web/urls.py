"""The shared pages: landing, sign-in (three kinds), enrolment, homes, calculator, switches;
the service engine's pages: the workbench, cases, my cases, the public look-up and the guide."""

from django.urls import include, path

from shebao.web import applicant, guide, papers, verify, views
from shebao.web.workbench import case, queue

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("welcome/", views.landing, name="landing"),
    path("login/", views.login_staff, name="login"),
    path("login/citizen/", views.login_citizen, name="login_citizen"),
    path("login/citizen/code/", views.login_citizen_code, name="login_citizen_code"),
    path("acting/", views.acting, name="acting"),  # 代办: act for a family member
    path("login/unit/", views.login_unit, name="login_unit"),
    path("login/enrol/", views.enrol, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("workdays/", views.workdays_calc, name="workdays"),
    path("large-text/", views.large_text, name="large_text"),
    path("calculators/", include("shebao.web.calculators")),  # public contribution and interest calculators
    path("unit/", include("shebao.web.urls_unit")),  # the employer hall: 增减员, Excel, cases
    # the service engine
    path("workbench/", queue.workbench, name="workbench"),
    path("workbench/receive/<str:code>/", queue.receive, name="receive"),
    path("workbench/one-form/<str:group_code>/", queue.one_form, name="one_form"),
    path("workbench/received/", queue.received, name="received"),
    path("cases/<str:number>/", case.case_page, name="case"),
    path("cases/<str:number>/act/", case.case_act, name="case_act"),
    path("cases/<str:number>/rate/", applicant.case_rate, name="case_rate"),
    path("cases/<str:number>/papers/<str:kind>.pdf", papers.case_paper, name="case_paper"),
    path("cases/<str:number>/materials/", applicant.case_supply, name="case_supply"),
    path("cases/<str:number>/materials/<str:code>/file/", case.case_material_file, name="case_material_file"),
    path("my/cases/", applicant.my_cases, name="my_cases"),
    path("online/", include("shebao.web.online.urls")),  # the online hall: apply online, my messages
    path("track/", applicant.track, name="track"),
    path("verify/", verify.verify_menu, name="verify_menu"),  # 文件核验, the menu documents name
    path("verify/<str:kind>/<str:ref>/<str:code>", verify.verify, name="verify"),
    path("verify/<str:kind>/", verify.verify_incomplete),  # a QR address cut short: a 404 page
    path("verify/<str:kind>/<str:ref>/", verify.verify_incomplete),
    path("guide/", guide.guide_index, name="guide"),
    path("guide/booklet.pdf", guide.guide_booklet, name="guide_booklet"),
    path("guide/<str:code>/", guide.guide_item, name="guide_item"),
    path("guide/<str:code>/poster.pdf", guide.guide_poster, name="guide_poster"),
]
