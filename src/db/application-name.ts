/** What pg_stat_activity shows for med-export's own connections (an application_name in the URL takes precedence). */
export const APPLICATION_NAME = 'med-export';
