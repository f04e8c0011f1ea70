from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or an empty list: an area's lines in an alert."""
    return mapping.get(key, [])
