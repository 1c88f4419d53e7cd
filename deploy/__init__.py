"""Running Koʻmak on servers: nginx, systemd units, coturn, and `make scale-up`.

`deploy/scaleout.py` is the scale-out profile on one machine and renders the nginx
site for real servers; the configuration files beside it are described in
docs/deployment.md ("Scale-out").
"""
