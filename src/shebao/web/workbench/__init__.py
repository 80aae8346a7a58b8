"""The clerk's pages: the 一岗通 queue, receiving an application (one item, or a 一表通 form
group), the case page with its actions, and the batch page of a one-form receipt.

Views parse parameters and call the engine: ``shebao.cases.selectors`` to read (scoped by the
actor), ``shebao.cases.services`` to act. Authority is decided by the services; what this
package computes about it (which buttons to show) is a courtesy, never the check itself.
Domain errors map once: ``NotFound`` → the 404 page, ``NotAllowed`` → 403 with its message,
``Conflict`` → 409 with the fresh case, ``InvalidInput`` → the form again with the message.

``labels`` (language, countdown) · ``forms`` (the 收件 form) · ``queue`` (queue, receiving) ·
``case`` (the case page and its actions).
"""
