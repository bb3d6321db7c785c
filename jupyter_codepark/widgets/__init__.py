"""Notebook views of an analysis: the 3D code city (more views join later)."""

from .city import CodeCity
from .layout import CityLayout

__all__ = ["CityLayout", "CodeCity"]
