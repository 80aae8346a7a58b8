"""The pages of contributions, as registry has its own: the insured person's months and
personal account (``citizen``), the employer hall's bills, online payment and base declaration
(``unit``), and the window's real-time arrears (``window``). Mounted by ``contributions.urls``;
views parse parameters and call this app's selectors and services, which decide who may see and
do what."""
