"""Airflow and Prefect code generated from a `Plan` (imports neither orchestrator, nor jinja2)."""

from quicketl.export.options import ExportOptions
from quicketl.export.render import render_airflow, render_prefect

__all__ = ["ExportOptions", "render_airflow", "render_prefect"]
