"""Alembic migrations; shipped inside the package so `flashticket migrate` works after `pip install .`."""
