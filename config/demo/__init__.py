"""The demo province: the real Bắc Ninh (24) with three of its real communes/wards; villages, people,
households, clans, organisations and every case are synthetic, and every case is produced by the case
services acting as the right user. Lives on the top floor because it drives every app below it."""

from .data import DEMO_PASSWORD, demo_counts, demo_present, logins
from .seeder import DemoSeeder, seed_demo

__all__ = ["DEMO_PASSWORD", "DemoSeeder", "demo_counts", "demo_present", "logins", "seed_demo"]
