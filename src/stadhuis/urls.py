from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

# The admin asks for the same second factor as every other staff login.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", include("stadhuis.web.urls")),
    path("", include("stadhuis.accounts.urls")),
    path("", include("stadhuis.privacy.urls")),
    path("", include("stadhuis.cases.urls")),
    path("", include("stadhuis.participation.urls")),
    path("", include("stadhuis.dossier.urls")),
    path("api/v1/", include("stadhuis.api.urls")),
    path("beheer/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "stadhuis.web.views.bad_request"
handler403 = "stadhuis.web.views.forbidden"
handler404 = "stadhuis.web.views.not_found"
handler500 = "stadhuis.web.views.server_error"
