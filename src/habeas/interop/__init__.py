"""Interchange: FollowTheMoney, PFIF 1.4 and flat tables, to and from habeas records."""
