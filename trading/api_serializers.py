"""Serializers the API's rooms share."""
from rest_framework import serializers


class StoredFileSerializer(serializers.Serializer):
    """A file the platform keeps (evidence, an objection's attachment, a contract document): never its content."""

    id = serializers.IntegerField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
