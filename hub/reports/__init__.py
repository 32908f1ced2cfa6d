"""Reports: the Monday digest and its exports, customer expiry notices and renewals due, upsell signals
(``hub.reports.service``); departures and the churn rate (``hub.reports.churn``); the ITS sales per customer (``hub.reports.its_sales``,
FR-PRICE-03).

Public surface: those two modules' functions and shapes — ``weekly``, ``notices``, ``queue_notices`` (the
worker's daily duty), ``renewals_due``, ``upsell``, ``NoticeMail`` (the recorder of a notice's e-mail);
``churn.record``, ``churn.rate``, ``churn.DepartureCreate``. Every date they count from is given (``on``,
``today``, a week): they read no clock.
"""
