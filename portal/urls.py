from django.urls import path

from . import account, views

app_name = "portal"

urlpatterns = [
    path("tra-cuu/", views.status_lookup, name="status"),
    path("ho-gia-dinh/dang-nhap/", account.sign_in, name="sign_in"),
    path("ho-gia-dinh/ma/", account.enter_code, name="code"),
    path("ho-gia-dinh/", account.my_cases, name="my_cases"),
    path("ho-gia-dinh/tin-nhan/", account.texts, name="texts"),
    path("ho-gia-dinh/dang-xuat/", account.sign_out, name="sign_out"),
]
