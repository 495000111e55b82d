"""Plain frozen dataclasses passed between the core and its front ends."""
