"""The online hall for individuals (网上个人服务大厅), mounted at ``online/`` in the ``web``
namespace: apply online (one item or a one-form) and my messages."""

from django.urls import path

from shebao.web.online import apply, messages

urlpatterns = [
    path("apply/", apply.apply_index, name="apply_index"),
    path("apply/one-form/<str:group_code>/", apply.apply_group, name="apply_group"),
    path("apply/<str:code>/", apply.apply_item, name="apply_item"),
    path("messages/", messages.my_messages, name="my_messages"),
    path("messages/read-all/", messages.messages_read_all, name="messages_read_all"),
    path("messages/<int:pk>/read/", messages.message_read, name="message_read"),
]
