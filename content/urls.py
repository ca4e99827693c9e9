"""Small public endpoints of the content app (QR codes for WeChat sharing)."""

from django.urls import path

from content import views

urlpatterns = [path("<int:page_id>.svg", views.page_qr_code, name="page_qr_code")]
