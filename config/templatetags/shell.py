from django import template

register = template.Library()


@register.filter
def menu_for(site, user):
    """The site's areas the user may enter, each with the entries shown to them: [(area, [entry, ...])]."""
    return site.menu_for(user) if site is not None else []
