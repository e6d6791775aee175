"""Publish: build with production settings, check the site, deploy it to a target."""
