from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        template = "components/blocks/heading_block.html"
        label = _("Heading")
        description = _("A sub-heading inside the release body.")
        preview_value = "Meetings at headquarters"


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=["bold", "italic", "link", "ol", "ul"], **kwargs)

    class Meta:
        icon = "pilcrow"
        template = "components/blocks/paragraph_block.html"
        label = _("Paragraph")
        description = _("Body text with bold, italic, links and lists.")
        preview_value = "<p>The committees held their plenary and joint plenary meetings at headquarters.</p>"


class ReleaseImageBlock(ImageBlock):
    class Meta:
        icon = "image"
        template = "components/blocks/image_block.html"
        label = _("Image")
        description = _("A photograph with its alternative text.")


class ReleaseBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ReleaseImageBlock()

    class Meta:
        label = _("Body")
