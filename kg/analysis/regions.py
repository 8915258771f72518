"""The UN M49 region of each of the 193 Member States, for the roll-call chart.

Source: United Nations Statistics Division, "Standard country or area codes for statistical
use (M49)", https://unstats.un.org/unsd/methodology/m49/ (the five regions Africa, Americas,
Asia, Europe, Oceania; M49 puts Cyprus, Türkiye, Georgia, Armenia and Azerbaijan in Western
Asia and Russia in Eastern Europe). The lists were taken once from country_converter 1.3.2's
country table (its UN Member States, grouped by M49 region); tests check that every Member
State in the record has exactly one region. A table of 193 codes rather than a dependency:
country_converter needs pandas.
"""

REGIONS: dict[str, tuple[str, ...]] = {
    "Africa": tuple("""
    AGO BDI BEN BFA BWA CAF CIV CMR COD COG COM CPV DJI DZA EGY ERI ETH GAB GHA GIN
    GMB GNB GNQ KEN LBR LBY LSO MAR MDG MLI MOZ MRT MUS MWI NAM NER NGA RWA SDN SEN
    SLE SOM SSD STP SWZ SYC TCD TGO TUN TZA UGA ZAF ZMB ZWE
    """.split()),  # 54
    "Americas": tuple("""
    ARG ATG BHS BLZ BOL BRA BRB CAN CHL COL CRI CUB DMA DOM ECU GRD GTM GUY HND HTI
    JAM KNA LCA MEX NIC PAN PER PRY SLV SUR TTO URY USA VCT VEN
    """.split()),  # 35
    "Asia": tuple("""
    AFG ARE ARM AZE BGD BHR BRN BTN CHN CYP GEO IDN IND IRN IRQ ISR JOR JPN KAZ KGZ
    KHM KOR KWT LAO LBN LKA MDV MMR MNG MYS NPL OMN PAK PHL PRK QAT SAU SGP SYR THA
    TJK TKM TLS TUR UZB VNM YEM
    """.split()),  # 47
    "Europe": tuple("""
    ALB AND AUT BEL BGR BIH BLR CHE CZE DEU DNK ESP EST FIN FRA GBR GRC HRV HUN IRL
    ISL ITA LIE LTU LUX LVA MCO MDA MKD MLT MNE NLD NOR POL PRT ROU RUS SMR SRB SVK
    SVN SWE UKR
    """.split()),  # 43
    "Oceania": tuple("""
    AUS FJI FSM KIR MHL NRU NZL PLW PNG SLB TON TUV VUT WSM
    """.split()),  # 14
}
REGION_OF: dict[str, str] = {iso3: region for region, codes in REGIONS.items() for iso3 in codes}
