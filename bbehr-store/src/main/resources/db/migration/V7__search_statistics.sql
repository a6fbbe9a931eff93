-- Statistics of the search tables' columns taken together. A search row's type, parameter, system and code go
-- together (only Conditions have clinical-status; 'active' is a clinical status, a medication status and more), and
-- by default PostgreSQL multiplies their frequencies as if they did not: it estimated Condition?clinical-status=active
-- at 3 of 1,800 rows and drove a chart's search from that clause instead of from the patient's 3 rows. A
-- multivariate MCV list gives it the frequency of each common combination as counted (a common vital sign's code, a
-- status), and functional dependencies cover the rest. ANALYZE builds them; the ANALYZE below does it for a store
-- that is already filled.
CREATE STATISTICS search_token_values (mcv, dependencies) ON type, param, system, code FROM search_token;
CREATE STATISTICS search_reference_targets (mcv, dependencies) ON type, param, target_type FROM search_reference;
CREATE STATISTICS search_date_params (mcv, dependencies) ON type, param FROM search_date;
CREATE STATISTICS search_string_params (mcv, dependencies) ON type, param FROM search_string;
CREATE STATISTICS search_number_values (mcv, dependencies) ON type, param, system, code FROM search_number;
CREATE STATISTICS search_uri_params (mcv, dependencies) ON type, param FROM search_uri;
CREATE STATISTICS search_blind_params (mcv, dependencies) ON type, param FROM search_blind;

ANALYZE search_token, search_reference, search_date, search_string, search_number, search_uri, search_blind;
