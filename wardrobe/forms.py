from django import forms
from django.conf import settings

from closetspace.photos import ACCEPT_ATTRIBUTE, PhotoError, read_photo

from .models import Category, WardrobeItem


class PhotoField(forms.FileField):
    """A file that must decode as a photo; the decoded image is kept on the field's form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            try:
                upload.photo = read_photo(upload, size=upload.size)
            except PhotoError as exc:
                raise forms.ValidationError(str(exc), code="bad_photo") from None
        return upload


class ItemDetailsForm(forms.ModelForm):
    class Meta:
        model = WardrobeItem
        fields = ["name", "brand", "category"]
        widgets = {
            "name": forms.TextInput(attrs={"placeholder": "e.g. Grey hoodie", "autocomplete": "off"}),
            "brand": forms.TextInput(attrs={"placeholder": "e.g. Uniqlo", "autocomplete": "off"}),
        }


class ItemUploadForm(forms.Form):
    image = PhotoField(label="Photo")
    name = forms.CharField(max_length=120, required=False)
    brand = forms.CharField(max_length=120, required=False)
    category = forms.ChoiceField(choices=[("", "Category (optional)")] + Category.choices, required=False)


class BaseUploadFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if not any(form.cleaned_data.get("image") for form in self.forms if form.is_valid()) and not any(
            form.errors for form in self.forms
        ):
            raise forms.ValidationError("Choose at least one photo to upload.", code="no_photos")


def upload_formset(rows=4):
    """The upload form with `rows` empty rows (a POST brings its own count)."""
    return forms.formset_factory(
        ItemUploadForm,
        formset=BaseUploadFormSet,
        extra=max(1, min(rows, settings.UPLOAD_MAX_FILES)),
        max_num=settings.UPLOAD_MAX_FILES,
        absolute_max=settings.UPLOAD_MAX_FILES,
        validate_max=True,
    )


UploadFormSet = upload_formset()
