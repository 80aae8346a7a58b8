"""The app's personal information (function 3): records, accounts, pension, cases, statements,
read with the app's bearer token through the same selectors the online hall and windows use."""

from ninja import Router

router = Router(tags=["app 手机 App"])
