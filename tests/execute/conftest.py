"""Fixtures of the execute tests that need a real S3 API (moto), see tests/moto_s3.py."""

from moto_s3 import moto_endpoint, s3  # noqa: F401  (fixtures)
