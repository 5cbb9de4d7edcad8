"""Members: the organisations of the partnership (Circular Partners), their facilities, people, roles,
API tokens, partnerships between organisations and declared circular-economy targets.

An organisation is the tenant: every record on the platform belongs to one.
"""
