/* Alarm service (see service.h): not started yet. */
#include "alarm/service.h"

int alarm_service_start(struct app *app)
{
	(void)app;
	return 0;
}

void alarm_service_stop(struct app *app)
{
	(void)app;
}
