from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inquiries import importing


class OrganisationImportForm(forms.Form):
    """Upload a department or staff file; the checks that need no reading happen here."""

    error_messages = {
        "extension": importing.FILE_ERROR_MESSAGES["extension"],
        "empty": importing.FILE_ERROR_MESSAGES["empty"],
        "too_large": importing.FILE_ERROR_MESSAGES["too_large"],
    }

    kind = forms.ChoiceField(
        label=_("What to import"),
        choices=importing.ImportKind.choices,
        initial=importing.ImportKind.DEPARTMENTS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file (.csv), with headers in row 1."),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (dry run)"),
        required=False,
        help_text=_("Check the file and show what would change, without saving anything."),
    )

    def clean_file(self):
        uploaded_file = self.cleaned_data["file"]
        try:
            importing.upload_check(uploaded_file=uploaded_file)
        except importing.ImportFileError as exc:
            raise ValidationError(
                self.error_messages[exc.code], code=exc.code, params=exc.params
            ) from exc
        return uploaded_file
