"""The mobile app's channel (/api/v1/app/...): token sign-in, nearby service points, service
guides, the person's own information and messages. It calls services and selectors only."""
