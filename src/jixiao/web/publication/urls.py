"""URL patterns of 公开与结果应用 (included at the site root by jixiao.web.urls).

Names starting with ``public_`` are the public pages (no login; only current publications exist there).
"""

from django.urls import path

from . import public, views

urlpatterns = [
    path("public/", public.index, name="public_index"),
    path("public/<int:year>/", public.year, name="public_year"),
    path("public/reports/<int:pk>/", public.report, name="public_report"),
    path("public/reports/<int:pk>/report.pdf", public.report_pdf, name="public_report_pdf"),
    path("public/reports/<int:pk>/scores.csv", public.report_csv, name="public_report_csv"),
    path("public/reports/<int:pk>/report.json", public.report_json, name="public_report_json"),
    path("public/schema/public-report.schema.json", public.schema, name="public_schema"),
    path("evaluations/<int:pk>/publication/", views.publication, name="publication"),
    path("evaluations/<int:pk>/publish/", views.publish, name="publish"),
    path("evaluations/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("evaluations/<int:pk>/results/", views.follow_up, name="follow_up"),
    path("evaluations/<int:pk>/results/items/<int:item>/rectify/", views.rectify, name="rectify"),
    path("evaluations/<int:pk>/results/items/<int:item>/verdict/", views.verdict, name="rectification_verdict"),
    path("evaluations/<int:pk>/results/reports/<int:report>/file/", views.rectification_file,
         name="rectification_file"),
    path("rectifications/", views.rectifications, name="rectifications"),
]
