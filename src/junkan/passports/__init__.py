"""Product and material passports: the domain (model, roll-ups, disclosure, versions, identifiers, exports)."""
