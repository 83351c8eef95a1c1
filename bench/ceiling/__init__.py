"""make bench-clicks' ceiling: the barest Django project that answers a redirect.

Settings with only SecurityMiddleware and CommonMiddleware, one URL, one view: what any Django
view costs at the least. It is served by the same server with the same worker count as the
portal in the same run, and /aff_c is measured against it. Not a route of the portal: the
portal's own middleware would make the ceiling lower and the ratio flattering.
"""
