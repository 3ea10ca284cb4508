"""Writes for the penalties app: violations and due process, sanctions, commendations,
standings. Each change is one atomic function that also keeps the audit trail."""
