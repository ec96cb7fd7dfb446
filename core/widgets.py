from django.contrib.admin.widgets import AutocompleteSelect


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels its chosen option from an object already loaded with the row.

    Django's AutocompleteSelect runs one query per rendered row to label the chosen option; in an
    inline of many rows that is an N+1. The form sets `preloaded` to the related object it has
    (select_related), and the widget falls back to the query only when the value differs.
    """

    preloaded = None

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        obj = self.preloaded
        if obj is not None and chosen == [str(obj.pk)]:
            label = self.choices.field.label_from_instance(obj)
            return [(None, [self.create_option(name, obj.pk, label, set(chosen), 0)], 0)]
        return super().optgroups(name, value, attr)
