"""The "Đơn vị học tập" award: criteria as configuration, every point explained."""
