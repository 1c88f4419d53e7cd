"""People and roles: the custom user model, role groups, sign-up, sign-in and profile.

Sign-in is pluggable: allauth handles username-or-phone plus password today, and a
phone-and-code sign-in for older people plugs in beside it later
(see docs/architecture.md).
"""
