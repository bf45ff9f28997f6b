"""Public pages of track & trace without login: the yearly figures."""

from django.urls import path

from stadhuis.cases import views_public

urlpatterns = [
    path("cijfers", views_public.figures, name="public_figures"),
    path("cijfers.csv", views_public.figures_csv, name="public_figures_csv"),
]
