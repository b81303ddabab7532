// The contacts domain's public face: the store's contacts (the CRM's clients) and their routes.
export { createContactMergeRepo } from './contact-merge.repo.js';
export { createContactProfileRepo } from './contact-profile.repo.js';
export { contactsRouter } from './contacts.routes.js';
export { createContactsRepo } from './contacts.repo.js';
export { createContactsService, type ContactsService } from './contacts.service.js';
