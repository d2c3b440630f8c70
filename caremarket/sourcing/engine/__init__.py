"""The sourcing engine: pure domain code, no Django, no clock.

It takes the state of a package, the ranked list in force and the current time, and decides
what happens next. The Django services execute its decisions; the simulation and benchmark
drive it directly.
"""
