"""The pages of contributions: the employer hall's bills and base declaration, the window's
arrears and the insured person's months and account.

No namespace of its own: ``shebao.urls`` mounts these patterns in the "web" namespace beside the
shell's, so the names pages and redirects use (``web:my_account``, ``web:unit_bills`` …) are the
ones they had before the pages moved here from ``web``.
"""

from django.urls import path

from shebao.contributions.views import citizen, differences, refunds, tokens, unit, window

urlpatterns = [
    path("unit/bills/", unit.unit_bills, name="unit_bills"),
    path("unit/bills/<int:pk>/", unit.unit_bill, name="unit_bill"),
    path("unit/bills/<int:pk>/pay/", unit.unit_bill_pay, name="unit_bill_pay"),
    path("unit/bills/<int:pk>/receipt.pdf", unit.unit_bill_receipt, name="unit_bill_receipt"),
    path("unit/bills/<int:pk>/staff.<str:fmt>", unit.unit_bill_staff, name="unit_bill_staff"),
    path("unit/bases/<int:year>/", unit.unit_bases, name="unit_bases"),
    path("unit/bases/<int:year>/template.xlsx", unit.unit_bases_template, name="unit_bases_template"),
    path("unit/bases/<int:year>/upload/", unit.unit_bases_upload, name="unit_bases_upload"),
    path("unit/api-tokens/", tokens.unit_api_tokens, name="unit_api_tokens"),
    path("unit/api-tokens/<int:pk>/revoke/", tokens.unit_api_token_revoke, name="unit_api_token_revoke"),
    path("window/arrears/", window.window_arrears, name="window_arrears"),
    path("window/arrears/<int:pk>/collect/", window.window_collect, name="window_collect"),
    path("window/refunds/", refunds.window_refunds, name="window_refunds"),
    path("window/refunds/<int:pk>/settle/", refunds.window_refund_settle, name="window_refund_settle"),
    path("window/differences/", differences.window_differences, name="window_differences"),
    path(
        "window/differences/bills/<int:pk>/cancel/",
        differences.window_difference_bill_cancel,
        name="window_difference_bill_cancel",
    ),
    path("window/differences/<int:pk>/rebill/", differences.window_difference_rebill, name="window_difference_rebill"),
    path("my/contributions/", citizen.my_contributions, name="my_contributions"),
    path("my/account/", citizen.my_account, name="my_account"),
    path("my/bills/", citizen.my_bills, name="my_bills"),
    path("my/pay/", citizen.my_bills, name="my_pay"),  # the name the online hall's "缴费" door looks for
    path("my/bills/<int:pk>/pay/", citizen.my_bill_pay, name="my_bill_pay"),
    path("my/bills/<int:pk>/receipt.pdf", citizen.my_bill_receipt, name="my_bill_receipt"),
]
