from marshmallow import Schema, fields


class NotificationSchema(Schema):
    id = fields.Integer()
    recipient = fields.String()
    category = fields.String()
    title = fields.String()
    body = fields.String()
    urgent = fields.Boolean()
    created_at = fields.DateTime()
    read_at = fields.DateTime()
