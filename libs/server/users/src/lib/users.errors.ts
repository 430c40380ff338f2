import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '@capstan/server-core';

export const userNotFound = (id: number) =>
  new NotFoundError(
    'Unable to find a user with the specified identifier inside the database',
    `No user with id ${id}`,
  );
export const teamNotFound = (id: number) =>
  new NotFoundError(
    'Unable to find a team with the specified identifier inside the database',
    `No team with id ${id}`,
  );
export const membershipNotFound = (id: number) =>
  new NotFoundError(
    'Unable to find a team membership with the specified identifier inside the database',
    `No team membership with id ${id}`,
  );
export const usernameTaken = (name: string) =>
  new ConflictError('Another user with the same username already exists', `Username "${name}" is taken`);
export const teamNameTaken = (name: string) =>
  new ConflictError('A team with the same name already exists', `Team "${name}" exists`);
export const passwordTooShort = (min: number) =>
  new BadRequestError(
    'Password does not meet the requirements',
    `The password must be at least ${min} characters long`,
  );
export const accessDenied = (details: string) => new ForbiddenError('Permission denied', details);
