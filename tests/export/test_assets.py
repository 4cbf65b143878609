"""Asset URIs: the same for both orchestrators, machine-independent, and valid in both."""

from __future__ import annotations

import pytest

from quicketl.export.assets import asset_uri, asset_uris, raw_inputs

from . import plans

PREFECT_REFUSED = set(" #?&%\"'<>[]{}|\\^`\n\t")


@pytest.mark.parametrize(
    ("ref", "uri"),
    [
        ("out/a.parquet", "quicketl://shop/out/a.parquet"),
        ("data/数 据.csv", "quicketl://shop/data/数_据.csv"),
        ("table:data/shop.duckdb#orders", "quicketl://shop/data/shop.duckdb/orders"),
        ("/srv/shared/in.csv", "file:///srv/shared/in.csv"),
        ("data/it's 100%.csv", "quicketl://shop/data/it_s_100_.csv"),
        ("data/*.csv", None),
        ("table:postgresql://***@db/x#t", None),
        ("https://example.com/a.csv", None),
    ],
)
def test_asset_uris(ref: str, uri: str | None) -> None:
    assert asset_uri(ref, "shop") == uri
    assert not (set(uri or "") & PREFECT_REFUSED)


def test_repeated_refs_give_one_asset_and_raw_inputs_are_the_unwritten_ones() -> None:
    assert asset_uris(["a.csv", "a.csv", "b/*.csv"], "p") == ("quicketl://p/a.csv",)
    plan = plans.medallion()
    chosen = [t.id for t in plan.tasks]
    assert raw_inputs(plan, chosen) == [
        "data/raw/users.csv",
        "data/raw/events.csv",
        "data/raw/payments.csv",
    ]
    assert raw_inputs(plan, ["silver.clean_users"]) == []
