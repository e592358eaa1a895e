"""The read layer: per AWS service, one module that declares what posture reads of it, as data.

Each module names its service once (`Service`), its reads (`Service.read`) and resource kinds
(`Kind`: list read, identifier, ARN, detail reads, policy document), and small fetch helpers that
return plain records. Checks and the shared judging modules read AWS only through this package; a
read module imports only other read modules and `posture.api`, never a check or a judging module
(tests/test_layout.py proves it).
"""
