"""Reports: the partner's revenue and churn, Monday digests and customer notices."""
