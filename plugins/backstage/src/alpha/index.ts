export * from './apis';
export * from './entityCards';
export * from './pages';
