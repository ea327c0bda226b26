export { DeliveryQueue, type DeliveryEvents, type DeliveryJob, type DeliveryQueueOptions } from './delivery-queue';
export { notificationBody, PUSH_NOTIFICATION_TEXT, type BodyOptions, type NotificationBody, type NotificationMessage } from './notification-body';
export { CUSTOM_HTTP, PUSH_NOTIFIER_GROUP, PushNotifier, type PushLogger, type PushMetricsSink, type PushNotifierOptions } from './push-notifier';
export { PUSH_NOTIFIER_SERVICE, PushNotifierModule, type PushNotifierRuntime } from './push-notifier.module';
export { ID_HEADER, Receiver, SIGNATURE_HEADER, signature, type Attempt, type ReceiverOptions } from './receiver';
