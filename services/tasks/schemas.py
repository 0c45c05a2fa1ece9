from marshmallow import Schema, fields


class DirectionItemSchema(Schema):
    id = fields.Integer()
    office = fields.String()
    document_id = fields.Integer()
    arrival_number = fields.Integer()
    subject = fields.String()
    urgent = fields.Boolean()
    status = fields.String()
