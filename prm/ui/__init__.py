"""The portal's frame: registries the apps fill (home panels, staff links, badges), navigation
and layout, pagination, charts, widgets and the context processor.
"""
