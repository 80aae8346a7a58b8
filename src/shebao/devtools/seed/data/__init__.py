"""Fixed word lists for the synthetic data: Wuhan's districts and zones, street and road names,
surnames and given-name characters, industries. Pure data, no Django.

Street and road names are real names of Wuhan, used for flavour; which street a development zone
administers follows the recent arrangements loosely. Street and community codes are synthetic
(they follow the shape of the statistical codes: district code + 3 digits, + 3 digits).

By concern: ``places`` (districts, zones, streets, roads), ``names`` (communities, persons,
mobile prefixes) and ``units`` (industries, brands). Callers import from the package: its
public names are re-exported here.
"""

from shebao.devtools.seed.data.names import (
    COMMUNITY_FIRST,
    COMMUNITY_SUFFIX,
    GIVEN_ANY,
    GIVEN_FEMALE,
    GIVEN_MALE,
    MOBILE_PREFIXES,
    SURNAME_WEIGHTS,
    SURNAMES,
)
from shebao.devtools.seed.data.places import (
    CITY_CENTRE_LATLNG,
    CITY_CODE,
    CITY_NAME,
    DISTRICTS,
    DistrictInfo,
)
from shebao.devtools.seed.data.units import (
    INDUSTRIES,
    UNIT_BRANDS,
)

__all__ = [
    "CITY_CENTRE_LATLNG",
    "CITY_CODE",
    "CITY_NAME",
    "COMMUNITY_FIRST",
    "COMMUNITY_SUFFIX",
    "DISTRICTS",
    "GIVEN_ANY",
    "GIVEN_FEMALE",
    "GIVEN_MALE",
    "INDUSTRIES",
    "MOBILE_PREFIXES",
    "SURNAMES",
    "SURNAME_WEIGHTS",
    "UNIT_BRANDS",
    "DistrictInfo",
]
