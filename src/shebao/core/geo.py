"""Coordinates: stored in WGS-84; Chinese map apps (Amap, Tencent) want GCJ-02, Baidu BD-09.

The conversion is coordTransform's; this is the one place that calls it.
"""

from __future__ import annotations

from decimal import Decimal

import coordTransform


def wgs84_to_gcj02(lat: Decimal | float, lng: Decimal | float) -> tuple[float, float]:
    """(lat, lng) in WGS-84 → (lat, lng) in GCJ-02. Outside China the point is unchanged."""
    out_lng, out_lat = coordTransform.wgs84_to_gcj02(float(lng), float(lat))
    return out_lat, out_lng


def wgs84_to_bd09(lat: Decimal | float, lng: Decimal | float) -> tuple[float, float]:
    out_lng, out_lat = coordTransform.wgs84_to_bd09(float(lng), float(lat))
    return out_lat, out_lng


def gcj02_to_wgs84(lat: Decimal | float, lng: Decimal | float) -> tuple[float, float]:
    """(lat, lng) in GCJ-02, as Chinese phones' map SDKs report it → (lat, lng) in WGS-84.

    coordTransform's inverse is one step of the forward offset (error of a few metres), close
    enough to choose and rank service points; outside China the point is unchanged."""
    out_lng, out_lat = coordTransform.gcj02_to_wgs84(float(lng), float(lat))
    return out_lat, out_lng
