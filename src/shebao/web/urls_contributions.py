"""Pages of the contribution ledger: the employer hall's bills, the window's arrears and the
insured person's months. Included from ``shebao.web.urls``; the names join ``web``."""

from django.urls import path

from shebao.web import my_contributions, unit_bills, window

urlpatterns = [
    path("unit/bills/", unit_bills.unit_bills, name="unit_bills"),
    path("unit/bills/<int:pk>/", unit_bills.unit_bill, name="unit_bill"),
    path("unit/bills/<int:pk>/pay/", unit_bills.unit_bill_pay, name="unit_bill_pay"),
    path("unit/bills/<int:pk>/receipt.pdf", unit_bills.unit_bill_receipt, name="unit_bill_receipt"),
    path("unit/bills/<int:pk>/staff.<str:fmt>", unit_bills.unit_bill_staff, name="unit_bill_staff"),
    path("unit/bases/<int:year>/", unit_bills.unit_bases, name="unit_bases"),
    path("unit/bases/<int:year>/template.xlsx", unit_bills.unit_bases_template, name="unit_bases_template"),
    path("unit/bases/<int:year>/upload/", unit_bills.unit_bases_upload, name="unit_bases_upload"),
    path("window/arrears/", window.window_arrears, name="window_arrears"),
    path("window/arrears/<int:pk>/collect/", window.window_collect, name="window_collect"),
    path("my/contributions/", my_contributions.my_contributions, name="my_contributions"),
    path("my/account/", my_contributions.my_account, name="my_account"),
]
