"""The catalogue of a tenant: service and product categories, services with their booking
rules, products with their warranty and return terms, and per-branch hiding and prices."""
