"""Helpers that tests import (conftest.py holds only fixtures and session set-up)."""
